//go:build !unix

package pipeline

const noFollow = 0
