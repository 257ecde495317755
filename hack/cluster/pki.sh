#!/usr/bin/env bash
# Makes the local cluster's certificates and service-account key pair with openssl (once).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v openssl >/dev/null || die "openssl is required (apt-get install openssl)"

mkdir -p "$PKI_DIR"
cd "$PKI_DIR"
[ -f ca.crt ] && [ -f sa.key ] && [ -f admin.crt ] && exit 0

openssl genrsa -out ca.key 2048 2>/dev/null
openssl req -x509 -new -nodes -key ca.key -subj "/CN=local-cluster-ca" -days 3650 -out ca.crt 2>/dev/null

# sign NAME SUBJECT [SANS]: a key and a certificate signed by the cluster CA.
sign() {
  local name="$1" subj="$2" sans="${3:-}" ext
  ext="$(mktemp)"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$sans" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl genrsa -out "$name.key" 2048 2>/dev/null
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$ext"
}

sign apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign kubelet "/CN=local-node-agent" "IP:127.0.10.1,IP:127.0.10.2,IP:127.0.10.3,DNS:localhost"
sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
sign admin "/O=system:masters/CN=kubernetes-admin"
sign controller-manager "/CN=system:kube-controller-manager"
sign scheduler "/CN=system:kube-scheduler"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 600 ./*.key
log "certificates written to $PKI_DIR"
