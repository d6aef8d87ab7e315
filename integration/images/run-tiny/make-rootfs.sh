#!/bin/sh
# Assembles the whole filesystem of livereload/run-tiny:bookworm under $1, inside a
# throwaway container of livereload/debian:bookworm (which has a shell); images.sh
# tars it and `docker import`s it. Like distroless / Paketo tiny: no shell, no tar, no
# rm, no coreutils; only the glibc runtime (plus libgcc_s and libstdc++ for watchexec
# and Node), CA certificates, passwd/group with root and cnb (1000), /tmp, /home/cnb.
# $2 lists shared library sonames, one a line (images.sh makes it from `ldd`).
set -eu
out=$1
libs=$2
multiarch=/lib/x86_64-linux-gnu

mkdir -p "$out$multiarch" "$out/lib64" "$out/etc/ssl/certs" "$out/usr/local/bin" \
         "$out/usr/bin" "$out/bin" "$out/tmp" "$out/root" "$out/home/cnb" "$out/usr/lib"

# glibc and friends, copied as real files under their soname.
while read -r so; do
  case "$so" in ''|'#'*) continue ;; esac
  if [ -e "$multiarch/$so" ]; then
    cp -L "$multiarch/$so" "$out$multiarch/$so"
  else
    echo "make-rootfs: $so is not in the base image; skipped" >&2
  fi
done <"$libs"
[ -e "$out$multiarch/ld-linux-x86-64.so.2" ] || { echo "make-rootfs: no dynamic loader" >&2; exit 1; }
ln -s "..$multiarch/ld-linux-x86-64.so.2" "$out/lib64/ld-linux-x86-64.so.2"

cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
cp -L /usr/lib/os-release "$out/usr/lib/os-release"
ln -s ../usr/lib/os-release "$out/etc/os-release"

cat >"$out/etc/passwd" <<'TXT'
root:x:0:0:root:/root:/sbin/nologin
cnb:x:1000:1000:cnb:/home/cnb:/sbin/nologin
TXT
cat >"$out/etc/group" <<'TXT'
root:x:0:
cnb:x:1000:
TXT
cat >"$out/etc/nsswitch.conf" <<'TXT'
passwd:   files
group:    files
shadow:   files
hosts:    files dns
networks: files
protocols: files
services: files
TXT

chmod 0644 "$out/etc/passwd" "$out/etc/group" "$out/etc/nsswitch.conf"
chmod 1777 "$out/tmp"
chmod 0700 "$out/root"
chmod 0755 "$out/home/cnb"
chown 1000:1000 "$out/home/cnb"
