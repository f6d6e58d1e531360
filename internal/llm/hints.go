package llm

import "strings"

// Setting is a setting of the client a user can change to get past an
// error. The client's messages say what happened; how to change a setting
// (a flag, a config key, a field) is the caller's to word, through
// Config.Hints, so the library names none of brief's flags.
type Setting int

// The settings an error can point at.
const (
	SettingBaseURL Setting = iota + 1
	SettingModel
	SettingAPIKey
	SettingTimeout
	// SettingContext is the model's context window, when the server does
	// not say it.
	SettingContext
)

// withHints appends the caller's hints for the settings that could fix
// what msg describes; without hints msg is returned as it is.
func withHints(hints map[Setting]string, msg string, settings ...Setting) string {
	var fixes []string
	for _, s := range settings {
		if h := hints[s]; h != "" {
			fixes = append(fixes, h)
		}
	}
	if len(fixes) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(fixes, "; ")
}

// hint is withHints with the client's hints.
func (c *Client) hint(msg string, settings ...Setting) string {
	return withHints(c.cfg.Hints, msg, settings...)
}
