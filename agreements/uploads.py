"""Files arriving, read in chunks onto disk, kept up to UPLOAD_MAX_BYTES.

Django's default keeps an upload under 2.5 MB in memory and the rest in a
temporary file; both keep every byte sent. Here every upload goes to a
temporary file and stops being written at the limit: the rest of the request
is read and dropped, the file's `size` says how much was sent, and the form
refuses it with a message (`StoredFile.clean`). A file named on the command
line is copied the same way and refused as soon as it passes the limit,
before the rest is read.
"""

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .files import CHUNK


class BoundedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data, start):
        room = settings.UPLOAD_MAX_BYTES + 1 - self.kept
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(room, len(raw_data))


class TooLarge(Exception):
    pass


def copy_bounded(source, name):
    """A temporary copy of the open binary file `source`, read in chunks; raises
    TooLarge as soon as it passes UPLOAD_MAX_BYTES (the rest is never read)."""
    limit = settings.UPLOAD_MAX_BYTES
    copy = TemporaryUploadedFile(name, "application/octet-stream", 0, None)
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > limit:
            copy.close()
            raise TooLarge(size)
        copy.write(chunk)
    copy.seek(0)
    copy.size = size
    return copy
