package wiring

import (
	"time"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
)

// calibrationEntry is a server's measured tokenizer, kept with the cache so
// the next run plans with it from its first request (and its dry run and
// budgets estimate with it).
type calibrationEntry struct {
	TokensPerByte float64   `json:"tokens_per_byte"`
	Measured      time.Time `json:"measured"`
}

// serverCalibration is one server's calibration and where it is kept (its
// key names the model and the server).
type serverCalibration struct {
	key string
	cal *llm.Calibration
}

// loadCalibrations starts each server's calibration from the cache and,
// when the cache is writable, keeps every worse ratio measured in it.
func (r *Run) loadCalibrations(c *cache.Cache, writable bool) {
	if c == nil {
		return
	}
	for _, sc := range r.cals {
		var e calibrationEntry
		if c.Get(sc.key, &e) {
			sc.cal.Seed(e.TokensPerByte)
		}
		if !writable {
			continue
		}
		sc.cal.OnWorse(func(float64) {
			// The worst so far, not the argument: two answers may
			// raise it at once, and the lower must not win the write.
			_ = c.Put(sc.key, calibrationEntry{TokensPerByte: sc.cal.TokensPerByte(), Measured: time.Now().UTC()})
		})
	}
}
