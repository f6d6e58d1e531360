package llm

import (
	"net/url"
	"regexp"
	"strings"
)

// RedactURL returns the endpoint URL without user:password and with the
// value of every query parameter but api-version replaced, so it can go
// into manifests and logs: gateways carry keys under any name (Azure
// Functions' code=, auth=, sig=, token=, key=). A string that is not a URL
// with a host has everything between its scheme and its last "@" replaced.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Opaque != "" {
		// Not a URL with a host ("alice:secret@host/v1" parses as scheme
		// alice, "http:/\alice:secret@h" as a path): whatever precedes
		// the last @ may be a password.
		return redactUnparsed(u)
	}
	p.User = nil
	if p.Fragment != "" {
		// A # typed inside user:password@ ends the host there, and the
		// password is in the fragment; a server never sees one anyway.
		p.Fragment, p.RawFragment = "REDACTED", ""
	}
	q := p.Query()
	for k := range q {
		if !plainParam(k) {
			q.Set(k, "REDACTED")
		}
	}
	p.RawQuery = q.Encode()
	return p.String()
}

// plainParam is a query parameter whose value is no secret and worth
// showing (Azure OpenAI's api-version).
func plainParam(k string) bool { return strings.EqualFold(k, "api-version") }

// Secrets are the credentials an endpoint's answers may echo: the API key,
// the base URL's password and its query values (as written and decoded).
// Every text from the endpoint goes through safetext.Redact with them.
func Secrets(baseURL, key string) []string {
	s := []string{key}
	p, err := url.Parse(baseURL)
	if err != nil {
		return s
	}
	if pw, ok := p.User.Password(); ok {
		s = append(s, pw, p.User.String()+"@")
	}
	for _, kv := range strings.Split(p.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil && plainParam(uk) {
			continue
		}
		s = append(s, v)
		if uv, err := url.QueryUnescape(v); err == nil && uv != v {
			s = append(s, uv)
		}
	}
	return s
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
