//go:build unix

package pipeline

import "syscall"

// noFollow makes opening the lock file fail on a symlink instead of
// creating whatever file the link names, and never wait on a FIFO.
const noFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
