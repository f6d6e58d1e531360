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
	f, fi, err := OpenRegular(path)
	if err != nil {
		return nil, fi, err
	}
	defer f.Close()
	if fi.Size() > max {
		return nil, fi, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, fi.Size(), max)
	}
	// The file may have grown since Stat: read one byte past the limit.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return data, fi, err
}

// OpenRegular opens the file at path to read as ReadRegular does (without
// blocking; ErrNotRegular unless it is a regular file), for a caller that
// reads it as a stream.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, ReadFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = ErrNotRegular
	}
	if err != nil {
		f.Close()
		return nil, fi, err
	}
	return f, fi, nil
}
