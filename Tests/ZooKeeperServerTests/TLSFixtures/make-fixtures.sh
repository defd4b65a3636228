#!/usr/bin/env bash
# Regenerates the test-only key material in this folder (run it here; needs
# openssl, and keytool for the JKS copy). The keys protect nothing.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca-key.pem" -out ca.pem -days $days -subj "/CN=zk-test-ca"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/other-ca-key.pem" -out "$tmp/other-ca.pem" -days $days -subj "/CN=zk-other-ca"

sign() { # name subject ca-cert ca-key [extfile]
    openssl req -newkey rsa:2048 -nodes -keyout "$tmp/$1-key.pem" -out "$tmp/$1.csr" -subj "$2"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$3" -CAkey "$4" -CAserial "$tmp/$1.srl" -CAcreateserial -out "$tmp/$1-cert.pem" -days $days ${5:+-extfile "$5"}
    cat "$tmp/$1-key.pem" "$tmp/$1-cert.pem" >"$1.pem"
}
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tmp/server.ext"
sign server "/CN=localhost" ca.pem "$tmp/ca-key.pem" "$tmp/server.ext"
sign client "/O=zk test/OU=clients/CN=client" ca.pem "$tmp/ca-key.pem"
sign untrusted "/CN=intruder" "$tmp/other-ca.pem" "$tmp/other-ca-key.pem"

openssl pkcs12 -export -in "$tmp/server-cert.pem" -inkey "$tmp/server-key.pem" -out server.p12 -passout pass:secret -name server
keytool -importkeystore -srckeystore server.p12 -srcstoretype PKCS12 -srcstorepass secret \
    -destkeystore server.jks -deststoretype JKS -deststorepass secret -destkeypass secret -noprompt 2>/dev/null
keytool -importcert -file ca.pem -alias ca -keystore truststore.jks -storetype JKS -storepass secret -noprompt 2>/dev/null
