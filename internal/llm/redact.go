package llm

import (
	"net/url"
	"strings"
)

// RedactURL returns the endpoint URL without user:password and with the
// values of query parameters that look like credentials replaced, so it
// can go into manifests and logs. A string that does not parse as a URL
// has anything between "://" and "@" removed.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		if i := strings.Index(u, "://"); i >= 0 {
			if j := strings.LastIndex(u, "@"); j > i {
				return u[:i+3] + u[j+1:]
			}
		}
		return u
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
