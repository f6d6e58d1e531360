//go:build !unix

package atomicfile

import "os"

const readFlags = os.O_RDONLY
