//go:build !unix

package cache

import "os"

const entryFlags = os.O_RDONLY
