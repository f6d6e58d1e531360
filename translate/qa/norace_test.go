//go:build !race

package qa

const raceEnabled = false
