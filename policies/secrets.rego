# Package floe.secrets: no secret value is written into rendered manifests
# (POL-SEC-09, POL-SEC-10; D-GATE-07). Messages name keys, never values.
package floe.secrets

import data.floe.lib

rules["POL-SEC-09"] := {
	"title": "No literal secrets in Secrets or environment variables",
	"severity": "deny",
	"remediation": "Keep secrets out of Git: reference an existing Secret with env[].valueFrom.secretKeyRef or envFrom.secretRef (or use an external-secrets/sealed-secrets object) instead of a literal value or a Secret with data.",
}

rules["POL-SEC-10"] := {
	"title": "ConfigMaps carry no credential keys",
	"severity": "deny",
	"remediation": "Move client_secret, password, api_key, secret_key and token values into a Secret the platform owns and reference it: compiled artifacts must not carry plugin credentials. Templated references such as {{ env_var('FLOE_SECRET_X') }} are fine. Reported as a warning in dev environments.",
}

secret_name := lib.secret_name_pattern

# Floe's secret-scanner patterns (FLOE-E601…E604; entropy E605 is not checked here).
patterns := {
	"FLOE-E601 AWS access key": `\b(AKIA|ASIA)[0-9A-Z]{16}\b`,
	"FLOE-E602 password assignment": `(?i)\b(password|passwd)\s*=\s*['"]?[^\s'"$&;{(]`,
	"FLOE-E603 API key assignment": `(?i)\bapi[_-]?key\s*=\s*['"]?[^\s'"$&;{(]`,
	"FLOE-E604 private key": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----`,
}

# any_pattern is all patterns in one expression: one match per value in the common case.
any_pattern := concat("|", [sprintf("(?:%s)", [re]) | some re in patterns])

# Secrets with data.

violation contains {"rule": "POL-SEC-09", "i": i, "msg": msg} if {
	some i in lib.objects_of_kind("Secret")
	o := input.objects[i].object
	keys := {k | some field in ["data", "stringData"]; some k, _ in lib.object_or(object.get(o, field, {}))}
	count(keys) > 0
	msg := sprintf("Secret carries literal data (keys %s)", [concat(", ", sort(keys))])
}

# Literal env values: names that look like secrets, values that match the patterns.

violation contains {"rule": "POL-SEC-09", "i": x.i, "msg": msg} if {
	some x in lib.containers
	some e in lib.array_or(object.get(x.c, "env", []))
	some problem in entry_problems(e)
	msg := sprintf("%s: %s", [lib.label(x.field, x.name), problem])
}

# entry_problems lists the secret findings of one env entry with a literal value
# (cached: the containers of a product share most of their entries, so each distinct
# entry is judged once).
entry_problems(e) := value_problems(e.name, e.value) if {
	is_string(e.name)
	is_string(e.value)
	e.value != ""
} else := []

value_problems(name, value) := array.concat(
	[sprintf("env %s has a literal value; use valueFrom.secretKeyRef", [name]) | regex.match(secret_name, name)],
	[sprintf("env %s matches the %s pattern", [name, what]) | some what in matching(value)],
)

# matching lists the names of the patterns value matches. Most values contain none of
# the words every pattern needs, which a few substring tests show far faster than the
# patterns themselves.
matching(value) := [] if {
	not pattern_words(lower(value))
} else := [] if {
	not regex.match(any_pattern, value)
} else := sort([what | some what, re in patterns; regex.match(re, value)])

# pattern_words holds when lowered text has a word some pattern needs: akia/asia
# (E601), passw (E602), key (E603 api…key, E604 …PRIVATE KEY…).
pattern_words(text) if contains(text, "key")

pattern_words(text) if contains(text, "passw")

pattern_words(text) if contains(text, "akia")

pattern_words(text) if contains(text, "asia")

violation contains {"rule": "POL-SEC-09", "i": i, "msg": msg} if {
	some i in config_maps
	some key, value in data_of(i)
	is_string(value)
	some what in matching(value)
	msg := sprintf("ConfigMap key %q matches the %s pattern", [key, what])
}

config_maps := lib.objects_of_kind("ConfigMap")

data_of(i) := lib.object_or(object.get(input.objects[i].object, "data", {}))

# POL-SEC-10: credential keys in ConfigMaps.

credential_keys := {"client_secret", "password", "api_key", "secret_key", "token"}

# A credential key inside a value (YAML, JSON or key=value text) and what follows it.
nested_key := `(?i)(?:^|[^A-Za-z0-9_.-])["']?(client_secret|password|api_key|secret_key|token)["']?[ \t]*[:=][ \t]*([^\n,}]*)`

sec10_severity := "warn" if lib.env_class == "dev" else := "deny"

violation contains {"rule": "POL-SEC-10", "i": i, "msg": msg, "severity": sec10_severity} if {
	some i in config_maps
	some key, _ in data_of(i)
	lower(key) in credential_keys
	msg := sprintf("ConfigMap has the credential key %q", [key])
}

violation contains {"rule": "POL-SEC-10", "i": i, "msg": msg, "severity": sec10_severity} if {
	some i in config_maps
	some key, value in data_of(i)
	is_string(value)
	found := nested_credentials(value)
	count(found) > 0
	msg := sprintf("ConfigMap key %q contains credential field(s) %s with literal values", [key, concat(", ", found)])
}

# nested_credentials lists the credential fields with literal values found in text.
nested_credentials(text) := sort({lower(m[1]) |
	some m in regex.find_all_string_submatch_n(nested_key, text, -1)
	literal_value(m[2])
})

# literal_value holds for a non-empty value that is not a template or env reference.
literal_value(v) if {
	s := trim(trim_space(v), `"'`)
	s != ""
	not lower(s) in {"null", "~", "none"}
	not startswith(s, "{{")
	not startswith(s, "${")
	not startswith(s, "$(")
	not startswith(s, "{") # a nested object: its own keys are matched on their own
}
