package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/brief-news/brief/internal/llm"
)

// maxContext: a --context above it is a typo (no model has a window that
// large). The lower limit is translate.MinContext, checked with the other
// options.
const maxContext = llm.MaxWindow

// contextValue is --context: "auto" (0: ask the server) or a number of
// tokens.
type contextValue struct{ n *int }

func newContextValue(n *int, def int) *contextValue {
	*n = def
	return &contextValue{n}
}

func (v *contextValue) String() string {
	if *v.n == 0 {
		return "auto"
	}
	return strconv.Itoa(*v.n)
}

func (v *contextValue) Type() string { return "tokens|auto" }

func (v *contextValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		*v.n = 0
		return nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a number of tokens: give the model's window, e.g. 8192, or auto to ask the server", s)
	case n <= 0:
		return fmt.Errorf("%d is not a window: give the model's window in tokens, e.g. 8192, or auto to ask the server", n)
	case n > maxContext:
		return fmt.Errorf("%d tokens is more than any model has: give the model's window or auto", n)
	}
	*v.n = n
	return nil
}
