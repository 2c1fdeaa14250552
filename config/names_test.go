package config

import (
	"regexp"
	"strings"
	"testing"
)

// The patterns dnsLabel and dnsSubdomain replaced: the characters of a DNS-1123 label
// and subdomain, whatever the length.
var (
	oldDNSLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	oldDNSSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// TestDNSName: the characters are apimachinery's rule; the length is not dnsName's
// business (an overlong name is reported once, by its own length check).
func TestDNSName(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, tc := range []struct {
		name             string
		label, subdomain bool
	}{
		{"a", true, true},
		{"orders-dev", true, true},
		{"0abc9", true, true},
		{"", false, false},
		{"-a", false, false},
		{"a-", false, false},
		{"Orders", false, false},
		{"a_b", false, false},
		{"a.b", false, true},
		{"a..b", false, false},
		{".a", false, false},
		{strings.Repeat("a", 64), true, true},
		{long, true, true},
		{long + "-", false, false},
		{long + ".b", false, true},
	} {
		if got := dnsLabel.MatchString(tc.name); got != tc.label {
			t.Errorf("dnsLabel(%.20q) = %v, want %v", tc.name, got, tc.label)
		}
		if got := dnsSubdomain.MatchString(tc.name); got != tc.subdomain {
			t.Errorf("dnsSubdomain(%.20q) = %v, want %v", tc.name, got, tc.subdomain)
		}
	}
}

// FuzzDNSName: dnsLabel and dnsSubdomain accept exactly what the patterns they replaced
// accepted.
func FuzzDNSName(f *testing.F) {
	for _, s := range []string{"a", "a.b", "-a", "A", strings.Repeat("a", 64), strings.Repeat("a.", 130) + "a", "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := dnsLabel.MatchString(s), oldDNSLabel.MatchString(s); got != want {
			t.Errorf("dnsLabel(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := dnsSubdomain.MatchString(s), oldDNSSubdomain.MatchString(s); got != want {
			t.Errorf("dnsSubdomain(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
