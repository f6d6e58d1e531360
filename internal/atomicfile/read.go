package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is a FIFO, device, socket or folder where a file was named.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is a file over the size its reader accepts.
var ErrTooLarge = errors.New("too large")

// ReadRegular reads the file at path, which must be a regular file of at
// most max bytes. It is opened without blocking and its type is checked
// once open, so a FIFO or device in its place (or swapped in after a look)
// is refused at once, never waited on. The file's info comes back for a
// caller that checks its mode.
func ReadRegular(path string, max int64) ([]byte, fs.FileInfo, error) {
	f, err := os.OpenFile(path, ReadFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return nil, nil, err
	case !fi.Mode().IsRegular():
		return nil, fi, ErrNotRegular
	case fi.Size() > max:
		return nil, fi, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, fi.Size(), max)
	}
	// The file may have grown since Stat: read one byte past the limit.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return data, fi, err
}
