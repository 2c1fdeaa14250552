package config

import (
	"regexp"

	"github.com/floe-dev/floe/diag"
)

// reWarningID is a warning's ID as its message starts: "X-03: …", "FLOE-E220: …",
// "SCHED-DAGSTER-UNWIRED: …".
var reWarningID = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$`)

// WarningID is the ID a warning's message starts with ("" when it carries none).
func WarningID(message string) string {
	for i := 0; i < len(message); i++ {
		if message[i] == ':' {
			if id := message[:i]; reWarningID.MatchString(id) {
				return id
			}
			return ""
		}
		if message[i] == ' ' {
			return ""
		}
	}
	return ""
}

// SilenceWarnings drops from ds the warnings whose ID the contract's policy.silence
// lists (D-CLI-05); errors, and warnings without an ID, are kept. c may be nil.
func SilenceWarnings(c *Contract, ds diag.List) diag.List {
	if c == nil || c.Policy == nil || len(c.Policy.Silence) == 0 {
		return ds
	}
	silenced := map[string]bool{}
	for _, id := range c.Policy.Silence {
		silenced[id] = true
	}
	out := ds[:0:0]
	for _, d := range ds {
		if d.Severity == diag.Warning && silenced[WarningID(d.Message)] {
			continue
		}
		out = append(out, d)
	}
	return out
}
