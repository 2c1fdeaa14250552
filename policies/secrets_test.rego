package floe.secrets_test

import data.floe.testlib as t

env_path := concat("/", [t.cj_container, "env/-"])

with_env(entry) := t.patched(t.cronjob, env_path, entry)

cm_with(d) := t.patched(t.configmap, "/data", d)

test_pol_sec_09_pass_value_from if {
	# the fixture's POLARIS_CLIENT_SECRET comes from a secretKeyRef
	not "POL-SEC-09" in t.fired(t.good, t.params)
}

test_pol_sec_09_pass_empty_secret_and_reference if {
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": t.meta("orders-empty"), "type": "Opaque"}
	cj := with_env({"name": "DB_URL", "value": "postgres://db/orders?password=$(DB_PASSWORD)"})
	not "POL-SEC-09" in t.fired([s, cj], t.params)
}

test_pol_sec_09_fail_secret_with_data if {
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": t.meta("orders-creds"), "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "orders"}}
	t.messages("POL-SEC-09", [s], t.params) == {"Secret carries literal data (keys password, user)"}
}

test_pol_sec_09_fail_literal_secret_env if {
	cj := with_env({"name": "POLARIS_CLIENT_SECRET_2", "value": "hunter2"})
	msgs := t.messages("POL-SEC-09", [cj], t.params)
	msgs == {`container "dbt": env POLARIS_CLIENT_SECRET_2 has a literal value; use valueFrom.secretKeyRef`}
	every m in msgs {
		not contains(m, "hunter2")
	}
}

test_pol_sec_09_fail_pattern_in_env_value if {
	cj := with_env({"name": "EXTRA_ARGS", "value": "--aws AKIAABCDEFGHIJKLMNOP --password=hunter2"})
	msgs := t.messages("POL-SEC-09", [cj], t.params)
	msgs == {
		`container "dbt": env EXTRA_ARGS matches the FLOE-E601 AWS access key pattern`,
		`container "dbt": env EXTRA_ARGS matches the FLOE-E602 password assignment pattern`,
	}
	every m in msgs {
		not contains(m, "AKIA")
		not contains(m, "hunter2")
	}
}

test_pol_sec_09_fail_private_key_in_configmap if {
	cm := cm_with({"tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n", "conf": "api_key=abc123"})
	t.messages("POL-SEC-09", [cm], t.params) == {
		`ConfigMap key "tls.key" matches the FLOE-E604 private key pattern`,
		`ConfigMap key "conf" matches the FLOE-E603 API key assignment pattern`,
	}
}

test_pol_sec_10_pass_templated_and_lookalike_keys if {
	cm := cm_with({"profiles.yml": "password: \"{{ env_var('FLOE_SECRET_PW') }}\"\ntoken_url: http://polaris/oauth/tokens\naccess_token_ttl: 60\nclient_secret: ${POLARIS_SECRET}\n"})
	not "POL-SEC-10" in t.fired([cm], t.params)
}

test_pol_sec_10_fail_credential_key if {
	cm := cm_with({"token": "x"})
	t.violations([cm], t.params) == {{"rule": "POL-SEC-10", "i": 0, "severity": "deny", "msg": `ConfigMap has the credential key "token"`}}
}

test_pol_sec_10_fail_compiled_artifacts_leak if {
	# the demo manifest's catalog credentials copied into compiled artifacts (D-GATE-07)
	artifacts := `{"plugins": {"catalog": {"config": {"oauth2": {"client_id": "demo-admin", "client_secret": "demo-secret", "scope": "PRINCIPAL_ROLE:ALL"}}}}}`
	cm := cm_with({"compiled_artifacts.json": artifacts, "values.yaml": "catalog:\n  password: s3cr3t # pragma\n"})
	msgs := t.messages("POL-SEC-10", [cm], t.params)
	msgs == {
		`ConfigMap key "compiled_artifacts.json" contains credential field(s) client_secret with literal values`,
		`ConfigMap key "values.yaml" contains credential field(s) password with literal values`,
	}
	every m in msgs {
		not contains(m, "demo-secret")
		not contains(m, "s3cr3t")
	}
}

test_pol_sec_10_fail_warning_in_dev if {
	cm := cm_with({"values.yaml": "client_secret: demo-secret\n"})
	[v] := [v | some v in t.violations([cm], t.params_with({"environment": "dev"})); v.rule == "POL-SEC-10"]
	v.severity == "warn"
}

test_pol_sec_09_fail_repeated_variable if {
	once := with_env({"name": "DB_PASSWORD", "value": "hunter2"})
	twice := t.patched(once, env_path, {"name": "DB_PASSWORD", "value": "hunter3"})
	t.messages("POL-SEC-09", [twice], t.params) == {`container "dbt": env DB_PASSWORD has a literal value; use valueFrom.secretKeyRef`}
}
