package llm

import (
	"net/url"
	"regexp"
	"strings"
)

// RedactURL returns the endpoint URL without user:password and with the
// values of query parameters that look like credentials replaced, so it
// can go into manifests and logs. A string that is not a URL with a host
// has everything between its scheme and its last "@" replaced.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Opaque != "" {
		// Not a URL with a host ("alice:secret@host/v1" parses as scheme
		// alice, "http:/\alice:secret@h" as a path): whatever precedes
		// the last @ may be a password.
		return redactUnparsed(u)
	}
	p.User = nil
	if p.RawQuery != "" {
		q := p.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "key") || strings.Contains(lk, "token") || strings.Contains(lk, "secret") ||
				strings.Contains(lk, "password") || lk == "sig" || lk == "signature" {
				q.Set(k, "REDACTED")
			}
		}
		p.RawQuery = q.Encode()
	}
	return p.String()
}

var schemePrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[/\\]+`)

// redactUnparsed hides what may be credentials in a string that is not a
// proper URL: everything between the scheme and the last "@", and any
// query string.
func redactUnparsed(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] + "?[REDACTED]"
	}
	j := strings.LastIndex(u, "@")
	if j < 0 {
		return u
	}
	prefix := schemePrefix.FindString(u)
	if j < len(prefix) {
		prefix = ""
	}
	return prefix + "[REDACTED]@" + u[j+1:]
}
