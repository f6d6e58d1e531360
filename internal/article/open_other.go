//go:build !unix

package article

import "os"

const openFlags = os.O_RDONLY
