package config

import (
	"embed"
	"regexp"
	"strconv"
	"strings"
)

// templates are the commented starting points floe init writes.
//
//go:embed templates/*.yaml
var templates embed.FS

func template(name string, vars ...string) []byte {
	b, err := templates.ReadFile("templates/" + name)
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	return []byte(strings.NewReplacer(vars...).Replace(string(b)))
}

// productName is a metadata.name: lowercase letters, digits and inner '-'.
var productName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// TemplateProduct is a commented, valid floe.yaml for a product named name (turned
// into lowercase letters, digits and '-'; "my-product" when nothing is left).
func TemplateProduct(name string) []byte {
	n := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, name), "-")
	if !productName.MatchString(n) {
		n = "my-product"
	}
	return template("floe.yaml", "{{NAME}}", n)
}

// TemplateContract is a commented, valid PlatformEnvironmentContract naming the
// platform Manifest at manifestRel (root-relative).
func TemplateContract(manifestRel string) []byte {
	return template("contract.yaml", "{{MANIFEST}}", strconv.Quote(manifestRel))
}

// TemplateManifest is a commented, valid platform Manifest.
func TemplateManifest() []byte { return template("manifest.yaml") }
