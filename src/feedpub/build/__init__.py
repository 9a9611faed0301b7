"""``feedpub build``: read the show, measure its audio, produce the outputs list.

:mod:`.pipeline` is the one-screen build; :mod:`.probe` measures audio, :mod:`.lock`
keeps what was measured and promised, :mod:`.checks` guards identities and
:mod:`.media` finds audio and artwork files.
"""

from .pipeline import BuildError, BuildResult, build, plan_outputs, quiet, when, write_outputs

__all__ = ["BuildError", "BuildResult", "build", "plan_outputs", "quiet", "when",
           "write_outputs"]
