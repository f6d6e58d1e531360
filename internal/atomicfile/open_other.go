//go:build !unix

package atomicfile

import "os"

// ReadFlags open a file to read.
const ReadFlags = os.O_RDONLY

// NoFollow is not available here.
const NoFollow = 0
