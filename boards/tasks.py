"""Board pack files as a background job (issue 16): the runner core.tasks calls for
``Job.Kind.PACK_FILES``. Registered when the app is ready (boards.apps)."""

from boards.packs.stored import FORMATS, render_and_store
from core.models import Job
from core.tasks import Progress, runner


@runner(Job.Kind.PACK_FILES)
def render_pack_files(job: Job, progress: Progress) -> str:
    """Render a meeting's pack in the formats asked for and store each file once (the issued
    pack's when it has been issued, else the draft as it is now). Idempotent: a retried or
    repeated job keeps every file already stored intact. A job asked for one format offers that
    file on the "Downloads and jobs" page."""
    formats = [str(f) for f in job.parameters.get("formats") or FORMATS]
    result = render_and_store(int(job.parameters["meeting"]), formats, progress)
    if len(result.pack_files) == 1:
        pack_file = result.pack_files[0]
        job.file.name, job.sha256, job.size = pack_file.file.name, pack_file.sha256, pack_file.size
    made = ", ".join(result.made) or "none"
    kept = f"; already stored: {', '.join(result.kept)}" if result.kept else ""
    volumes = next((p.volumes for p in result.pack_files if p.volumes > 1), 1)
    split = f"; the PDF is {volumes} volumes in a .zip" if volumes > 1 else ""
    return f"Board pack files made: {made}{kept}{split}."
