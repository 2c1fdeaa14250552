package config

import (
	"fmt"
	"strings"
	"time"
)

// Contract enums (D-IN-01).
var (
	manifestSources = []string{"git", "oci"}
	runtimes        = []string{"dagster", "floe-jobs"}
	tagPolicies     = []string{"git-sha", "semver", "digest"}
	enforcements    = []string{"off", "warn", "strict"}
)

// enum reports v ∉ allowed at p (empty v is left to required checks).
func (c *checker) enum(p, v string, allowed []string) bool {
	if v == "" || oneOf(v, allowed...) {
		return true
	}
	c.errorf(p, "%s is not one of: %s", show(v), enumList(allowed))
	return false
}

func (c *checker) pattern(p, v string, re interface{ MatchString(string) bool }, what string) bool {
	if v == "" || re.MatchString(v) {
		return true
	}
	c.errorf(p, "%s is not %s", show(v), what)
	return false
}

func (c *checker) maxLen(p, v string, n int) {
	if len(v) > n {
		c.errorf(p, "is %d characters long; at most %d allowed", len(v), n)
	}
}

// section reports a missing required object; true when present.
func (c *checker) section(p string) bool {
	if c.src.Has(p) {
		return true
	}
	if !c.quiet(p) {
		c.errorf(p, "required field is missing")
	}
	return false
}

func (c *checker) literal(p, v, want string) {
	if c.required(p, v) && v != want {
		c.errorf(p, "must be %q, got %s", want, show(v))
	}
}

func validateContract(c *checker, k *Contract, root Root) {
	c.literalCredentials()
	c.literal("apiVersion", k.APIVersion, APIVersionContract)
	c.literal("kind", k.Kind, KindContract)

	if c.section("metadata") {
		if c.required("metadata.name", k.Metadata.Name) {
			c.pattern("metadata.name", k.Metadata.Name, dnsLabel, "a DNS-1123 label (lower-case letters, digits, '-')")
			c.maxLen("metadata.name", k.Metadata.Name, 63)
		}
		c.required("metadata.owner", k.Metadata.Owner)
		c.maxLen("metadata.description", k.Metadata.Description, 500)
	}

	if c.section("environment") {
		e := k.Environment
		if c.required("environment.name", e.Name) {
			c.pattern("environment.name", e.Name, reEnvName, "a valid environment name (^[a-z][a-z0-9_-]*$)")
		}
		if c.section("environment.kubernetes") {
			if c.required("environment.kubernetes.namespace", e.Kubernetes.Namespace) {
				c.pattern("environment.kubernetes.namespace", e.Kubernetes.Namespace, dnsLabel, "a DNS-1123 label")
				c.maxLen("environment.kubernetes.namespace", e.Kubernetes.Namespace, 63)
			}
			if c.required("environment.kubernetes.releaseName", e.Kubernetes.ReleaseName) {
				c.pattern("environment.kubernetes.releaseName", e.Kubernetes.ReleaseName, dnsLabel, "a DNS-1123 label")
				c.maxLen("environment.kubernetes.releaseName", e.Kubernetes.ReleaseName, 53)
			}
		}
		if c.section("environment.platformManifest") {
			pm := e.PlatformManifest
			const p = "environment.platformManifest"
			if c.required(p+".source", pm.Source) && c.enum(p+".source", pm.Source, manifestSources) {
				switch pm.Source {
				case "git":
					if pm.Path == "" {
						c.errorf(p+".path", "required when source is git")
					}
				case "oci":
					if pm.OCIRef == "" {
						c.errorf(p+".ociRef", "required when source is oci")
					}
				}
			}
			if pm.Path != "" {
				if _, err := CleanRel(pm.Path); err != nil {
					c.errorf(p+".path", "%v", err)
				} else if pm.Source == "git" {
					c.exists(root, p+".path", pm.Path, false)
				}
			}
			c.pattern(p+".ociRef", pm.OCIRef, reOCIRef, "an OCI reference (oci://host[:port]/path:tag)")
		}
	}

	if c.section("plugins") {
		pl := k.Plugins
		c.choice("plugins.orchestrator", pl.Orchestrator)
		c.choice("plugins.catalog", pl.Catalog)
		c.choice("plugins.storage", pl.Storage)
		c.choice("plugins.telemetryBackend", pl.TelemetryBackend)
		c.choice("plugins.lineageBackend", pl.LineageBackend)
		if pl.Compute == nil {
			c.section("plugins.compute")
		} else {
			const p = "plugins.compute"
			seen := map[string]int{}
			if len(pl.Compute.Approved) == 0 {
				c.errorf(p+".approved", "must list at least one approved compute")
			}
			for i, a := range pl.Compute.Approved {
				ip := fmt.Sprintf("%s.approved[%d].name", p, i)
				if !c.required(ip, a.Name) {
					continue
				}
				if j, dup := seen[a.Name]; dup {
					c.errorf(ip, "duplicate approved compute %s (also approved[%d])", show(a.Name), j)
				}
				seen[a.Name] = i
			}
			if c.required(p+".default", pl.Compute.Default) && len(pl.Compute.Approved) > 0 {
				if _, ok := seen[pl.Compute.Default]; !ok {
					c.errorf(p+".default", "%s is not in approved: [%s]", show(pl.Compute.Default), strings.Join(approvedNames(pl.Compute), ", "))
				}
			}
		}
	}

	if c.section("runtime") {
		r := k.Runtime
		if c.required("runtime.recommendedAlphaSpine", r.RecommendedAlphaSpine) {
			c.enum("runtime.recommendedAlphaSpine", r.RecommendedAlphaSpine, runtimes)
		}
		if c.required("runtime.artifactRegistry", r.ArtifactRegistry) {
			c.registry("runtime.artifactRegistry", r.ArtifactRegistry)
		}
		if c.required("runtime.imageTagPolicy", r.ImageTagPolicy) {
			c.enum("runtime.imageTagPolicy", r.ImageTagPolicy, tagPolicies)
		}
		if c.src.Has("runtime.resourcePreset") {
			c.required("runtime.resourcePreset", r.ResourcePreset)
		}
	}

	if c.section("access") {
		if c.required("access.serviceAccount", k.Access.ServiceAccount) {
			c.pattern("access.serviceAccount", k.Access.ServiceAccount, dnsSubdomain, "a DNS-1123 subdomain")
			c.maxLen("access.serviceAccount", k.Access.ServiceAccount, 253)
		}
	}

	o := k.Observability
	for _, u := range []struct{ p, v string }{
		{"observability.dagsterUrl", o.DagsterURL}, {"observability.marquezUrl", o.MarquezURL},
		{"observability.jaegerUrl", o.JaegerURL}, {"observability.minioConsoleUrl", o.MinioConsoleURL},
	} {
		c.pattern(u.p, u.v, reURL, "an http(s) URL")
	}

	if c.section("promotion") {
		if k.Promotion.RequiredEvidence == nil {
			c.section("promotion.requiredEvidence")
		}
		for i, e := range k.Promotion.RequiredEvidence {
			c.required(fmt.Sprintf("promotion.requiredEvidence[%d]", i), e)
		}
	}
	if c.section("support") {
		c.required("support.escalation", k.Support.Escalation)
	}

	if k.Policy != nil {
		c.policy(k.Policy, root)
	}
	c.rootDirs(root, "overlays", k.Overlays)
}

// rootDirs checks a list of root-relative directories (overlays, policy bundles): each
// given, clean and a directory inside root.
func (c *checker) rootDirs(root Root, p string, dirs []string) {
	for i, d := range dirs {
		ip := fmt.Sprintf("%s[%d]", p, i)
		if !c.required(ip, d) {
			continue
		}
		if _, err := CleanRel(d); err != nil {
			c.errorf(ip, "%v", err)
			continue
		}
		c.exists(root, ip, d, true)
	}
}

func approvedNames(cc *ComputeChoice) []string {
	if cc == nil {
		return nil
	}
	out := make([]string, 0, len(cc.Approved))
	for _, a := range cc.Approved {
		out = append(out, a.Name)
	}
	return out
}

// exists checks that a root-relative path exists inside root (a directory when wantDir).
func (c *checker) exists(root Root, p, rel string, wantDir bool) {
	if root == nil {
		return
	}
	isDir, err := root.Stat(rel)
	switch {
	case err != nil:
		c.errorf(p, "%v", err)
	case wantDir && !isDir:
		c.errorf(p, "%s is not a directory", rel)
	case !wantDir && isDir:
		c.errorf(p, "%s is a directory, not a file", rel)
	}
}

func (c *checker) choice(p string, ch *Choice) {
	if ch == nil {
		c.section(p)
		return
	}
	if len(ch.AlphaSupported) == 0 {
		c.errorf(p+".alphaSupported", "must list at least one supported plugin")
	}
	seen := map[string]bool{}
	for i, a := range ch.AlphaSupported {
		ip := fmt.Sprintf("%s.alphaSupported[%d]", p, i)
		if !c.required(ip, a) {
			continue
		}
		if seen[a] {
			c.errorf(ip, "duplicate entry %s", show(a))
		}
		seen[a] = true
	}
	if c.required(p+".default", ch.Default) && len(ch.AlphaSupported) > 0 && !seen[ch.Default] {
		c.errorf(p+".default", "%s is not in alphaSupported: [%s]", show(ch.Default), strings.Join(ch.AlphaSupported, ", "))
	}
}

// msgHostUserinfo refuses user:password@host in a scheme-less address.
const msgHostUserinfo = "address carries credentials before its host; use a secret reference (an image pull Secret)"

// hostUserinfo reports whether a scheme-less address (host[:port]/path) starts with
// userinfo: an "@" before the first "/".
func hostUserinfo(v string) bool {
	host, _, _ := strings.Cut(v, "/")
	return strings.Contains(host, "@")
}

// registry checks an image-repository prefix: no scheme, no tag, no digest.
func (c *checker) registry(p, v string) {
	switch {
	case strings.Contains(v, "://"):
		c.errorf(p, "%s must not have a scheme (write registry.example.com/path)", show(v))
	case hostUserinfo(v):
		c.errorf(p, "%s", msgHostUserinfo)
	case strings.Contains(v, "@"):
		c.errorf(p, "%s must not carry a digest; floe appends the tag per image", show(v))
	case strings.Contains(v[strings.LastIndex(v, "/")+1:], ":") && strings.Contains(v, "/"):
		c.errorf(p, "%s must not carry a tag; floe appends the tag per image", show(v))
	default:
		c.pattern(p, v, reArtifactRepo, "an image repository prefix (host[:port]/path, lower case)")
	}
}

func (c *checker) policy(pol *ContractPolicy, root Root) {
	c.enum("policy.enforcement", pol.Enforcement, enforcements)
	for i, e := range pol.Exceptions {
		p := fmt.Sprintf("policy.exceptions[%d]", i)
		c.required(p+".rule", e.Rule)
		if len(e.Resources) == 0 {
			c.errorf(p+".resources", "must list at least one Kind/name glob")
		}
		for j, r := range e.Resources {
			rp := fmt.Sprintf("%s.resources[%d]", p, j)
			if c.required(rp, r) && !strings.Contains(r, "/") {
				c.errorf(rp, "%s is not a Kind/name glob", show(r))
			}
		}
		c.required(p+".reason", e.Reason)
		c.required(p+".approvedBy", e.ApprovedBy)
		if c.required(p+".expires", e.Expires) {
			if _, err := time.Parse("2006-01-02", e.Expires); err != nil || !reDate.MatchString(e.Expires) {
				c.errorf(p+".expires", "%s is not a date YYYY-MM-DD", show(e.Expires))
			}
		}
	}
	for i, id := range pol.Silence {
		p := fmt.Sprintf("policy.silence[%d]", i)
		switch {
		case !c.required(p, id):
		case !reWarningID.MatchString(id):
			c.errorf(p, "%s is not a warning ID (like X-03 or SCHED-DAGSTER-UNWIRED)", show(id))
		case strings.HasPrefix(id, "POL-"):
			c.errorf(p, "%s is a policy rule: its findings are governed by policy.exceptions (an owner and an expiry), not silenced", show(id))
		}
	}
	c.rootDirs(root, "policy.bundles", pol.Bundles)
}
