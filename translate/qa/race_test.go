//go:build race

package qa

// raceEnabled: the race detector turns off sync.Pool, so regexp allocates
// on every match and allocation counts mean nothing.
const raceEnabled = true
