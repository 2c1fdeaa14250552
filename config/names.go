package config

import (
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/secretshape"
)

// Patterns are compiled once per process (Load runs on every Argo CD refresh).
var (
	reEnvName       = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	reManifestName  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$`)
	reSecretRef     = reManifestName
	reProductName   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	reDBTName       = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	reOCIRef        = regexp.MustCompile(`^oci://[a-zA-Z0-9][a-zA-Z0-9.-]*(:[0-9]+)?(/[a-zA-Z0-9._-]+)+:[A-Za-z0-9._-]+$`)
	reRegistryURI   = regexp.MustCompile(`^oci://[a-zA-Z0-9][a-zA-Z0-9.-]*(:[0-9]+)?(/[a-zA-Z0-9._-]+)*$`)
	reArtifactRepo  = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	reCPU           = regexp.MustCompile(`^[0-9]+m?$`)
	reMemory        = regexp.MustCompile(`^[0-9]+(Mi|Gi|Ki)$`)
	reDate          = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reURL           = regexp.MustCompile(`^https?://[^\s/]+`)
	reNonSlugChars  = regexp.MustCompile(`[^A-Za-z0-9_]+`)
	reNonDBTNameChr = regexp.MustCompile(`[^A-Za-z0-9_]`)
)

// reSemver is the documented MAJOR.MINOR.PATCH: digits only, no pre-release or build.
// It stays a pattern: semver.StrictNewVersion would refuse 01.2.3, which it accepts.
var reSemver = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// dnsName checks a name's characters by one of apimachinery's DNS-1123 rules. The
// length is left out: where a name is validated, its limit (which may be lower than
// DNS's) is checked and reported on its own, so an overlong name is not also called
// malformed.
type dnsName struct {
	check func(string) []string // validation.IsDNS1123Label or IsDNS1123Subdomain
	max   int                   // the length beyond which check reports the length first
}

// MatchString reports whether v has the characters of a DNS-1123 name.
func (n dnsName) MatchString(v string) bool {
	errs := n.check(v)
	if len(v) > n.max {
		errs = errs[1:] // the length error, always first
	}
	return len(errs) == 0
}

var (
	dnsLabel     = dnsName{validation.IsDNS1123Label, validation.DNS1123LabelMaxLength}
	dnsSubdomain = dnsName{validation.IsDNS1123Subdomain, validation.DNS1123SubdomainMaxLength}
)

// Slug is S of D-RND-01: every run of characters outside [A-Za-z0-9_] replaced by one "_",
// leading and trailing "_" stripped; "product" when nothing is left.
func Slug(p string) string {
	s := strings.Trim(reNonSlugChars.ReplaceAllString(p, "_"), "_")
	if s == "" {
		return "product"
	}
	return s
}

// DBTName is D of D-RND-01: each character outside [A-Za-z0-9_] replaced by "_", leading and
// trailing "_" stripped; "floe" when nothing is left.
func DBTName(p string) string {
	s := strings.Trim(reNonDBTNameChr.ReplaceAllString(p, "_"), "_")
	if s == "" {
		return "floe"
	}
	return s
}

// reservedManifestNames may not be used as a Manifest metadata.name (case-insensitive).
var reservedManifestNames = map[string]bool{"default": true, "system": true, "floe": true, "admin": true, "root": true}

// forbiddenSpecKeys are FloeSpec's environment-specific keys (C004/FR-014), lower-cased.
var forbiddenSpecKeys = map[string]bool{
	"database": true, "schema": true, "host": true, "port": true, "username": true,
	"password": true, "credentials": true, "connection_string": true, "endpoint": true,
	"access_key": true, "secret_key": true, "token": true, "api_key": true,
}

func isForbiddenSpecKey(k string) bool { return forbiddenSpecKeys[strings.ToLower(k)] }

// manifestEnvKeys are root keys rejected in Manifests (environment-specific).
var manifestEnvKeys = map[string]bool{
	"env_overrides": true, "environments": true, "environment": true, "env": true, "dev": true,
	"staging": true, "prod": true, "production": true, "target_env": true, "floe_env": true,
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func enumList(allowed []string) string { return strings.Join(allowed, ", ") }

// show quotes a user-supplied value for a message: key material is redacted (a URL keeps
// its scheme and host) and a long value is cut to a bounded excerpt, so no secret or
// flood reaches the terminal (D-CLI-03, D-SEC-04).
func show(v string) string {
	return strconv.Quote(diag.Excerpt(secretshape.Redact(maskUserinfo(v))))
}

// reUserinfo finds what comes before a host in URL-like values (scheme://user:pass@host,
// scheme://token@host, user:pass@host): even a user name alone can be a token.
var reUserinfo = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@\s]+@`)

// maskUserinfo replaces the userinfo of a URL-like value by secretshape.Redacted.
func maskUserinfo(v string) string {
	loc := reUserinfo.FindStringSubmatchIndex(v)
	if loc == nil {
		return v
	}
	scheme := ""
	if loc[2] >= 0 {
		scheme = v[loc[2]:loc[3]]
	}
	return scheme + secretshape.Redacted + "@" + v[loc[1]:]
}

// unquotable reports whether a value at field path p must not be quoted in a message:
// the path's last key says secret, or the value has the shape of one.
func unquotable(p, v string) bool {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		p = p[i+1:]
	}
	return secretshape.Name(p) || secretshape.Value(v)
}
