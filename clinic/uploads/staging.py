"""Uploads staged for one transaction: checked, stored, and removed again if it fails."""
from flask import current_app

from clinic.uploads import storage
from clinic.uploads.kinds import UploadRejected
from clinic.uploads.sniffing import inspect_upload


class Staged:
    """The files stored while recording them; leaving the block by an exception removes them.

    Wrap the service call and the commit: when either fails, the rows naming the files are
    rolled back, and the files go too, so no stray file is left in the upload folder::

        with uploads.Staged() as staged:
            services.attach(..., staged.store(files, accept, field="files"))
            db.session.commit()
    """

    def __init__(self, folder=None):
        self.folder = folder or current_app.config["UPLOAD_FOLDER"]
        self.stored = []  # [(Checked, stored_name)], in the order stored

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            self.discard()
        return False

    def store(self, files, accept, field=None):
        """Check every chosen file, then store them all; return [(Checked, stored_name)].

        Nothing is stored when one is refused: UploadRejected (about form ``field``) names the
        first bad file. File inputs left empty are skipped.
        """
        checked, added = [], []
        try:
            # A FileStorage without a file name is an input where nothing was chosen.
            for upload in [upload for upload in files or () if upload]:
                checked.append(inspect_upload(upload, accept=accept))
            for one in checked:
                added.append((one, storage.store(one, self.folder)))
                self.stored.append(added[-1])
        except UploadRejected as exc:
            exc.field = field
            raise
        finally:
            for one in checked:
                one.close()
        return added

    def store_one(self, upload, accept, field=None):
        """Check and store one optional file; return (Checked, stored_name), or None."""
        added = self.store([upload], accept, field)
        return added[0] if added else None

    def discard(self):
        """Remove every file stored here (their rows were never committed)."""
        for _checked, stored_name in self.stored:
            storage.remove_stored(stored_name, self.folder)
        self.stored = []
