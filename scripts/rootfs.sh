#!/usr/bin/env bash
# Builds the container image's whole file system in DEST (the image is `FROM scratch` + this tree):
#   scripts/rootfs.sh BINARY DEST        (make rootfs: .build/p2p-chat → .build/rootfs)
#
#   /usr/local/bin/p2p-chat     the binary
#   /lib…, /usr/lib…, /opt…     every shared library `ldd` resolves for it, and the dynamic loader, at the
#                               same paths (so RUNPATHs and the loader's default directories find them)
#   /lib/terminfo, /usr/share/terminfo, /etc/terminfo   terminal descriptions (ncurses-base; today's emulators
#                               from ncurses-term)
#   /usr/share/zoneinfo         time zones for TZ=… (without the leap-second "right/" copies)
#   /usr/share/p2p-chat/themes  the bundled themes
#   /etc/passwd, group, nsswitch.conf   root and the `chat` user (uid/gid 10001), name lookups from files + DNS
#   /tmp (1777)
#
# /data is not in the tree: the Dockerfile adds it with its own `COPY --chown=10001:10001` (an empty 0700
# directory, `make rootfs` makes .build/rootfs-data), since COPY does not keep a tree's owners everywhere.
#
# Nothing else: no shell, no package manager. glibc ≥ 2.35 has C.UTF-8 built in and NSS files/dns inside libc.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BINARY DEST" >&2; exit 2; }
binary=$1
dest=$(mkdir -p "$2" && cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)

rm -rf "$dest"
mkdir -p "$dest"/{usr/local/bin,usr/share/p2p-chat,etc,tmp}
install -m 0755 "$binary" "$dest/usr/local/bin/p2p-chat"

# `libfoo.so.1 => /path (0x…)` and the loader's own line `/lib64/ld-linux-x86-64.so.2 (0x…)`.
libraries=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
missing=$(ldd "$binary" | awk '/not found/ { print $1 }')
[ -z "$missing" ] || { echo "rootfs: $binary needs libraries this machine lacks: $missing" >&2; exit 1; }
for library in $libraries; do
    mkdir -p "$dest$(dirname "$library")"
    cp -L "$library" "$dest$library"
done

for dir in /etc/terminfo /lib/terminfo; do   # ncurses-base: xterm*, screen*, tmux*, linux, vt*, rxvt-unicode, …
    if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
        mkdir -p "$dest$dir"
        cp -a "$dir/." "$dest$dir/"
    fi
done
# From ncurses-term (7 MB, mostly hardware terminals nobody runs `docker run -it` in) only today's emulators,
# 170 entries in 0.6 MB: a TERM passed in from one of them (`-e TERM`) still draws the full screen.
terminals=(alacritty\* xterm-kitty kitty\* foot\* wezterm st-\* konsole\* gnome\* vte\* iterm\* putty\* rxvt-unicode\*
           screen.\* xterm-direct\* ms-terminal Apple_Terminal nsterm\* contour\* mintty\* xterm-24\* tmux-direct
           linux-16color terminator termite mlterm\* eterm-color cygwin\* hterm\*)
if [ -d /usr/share/terminfo ]; then
    (cd /usr/share/terminfo && for pattern in "${terminals[@]}"; do
        for entry in */$pattern; do
            [ -e "$entry" ] || continue
            mkdir -p "$dest/usr/share/terminfo/$(dirname "$entry")"
            cp -a "$entry" "$dest/usr/share/terminfo/$entry"
        done
    done)
fi
if [ -d /usr/share/zoneinfo ]; then
    tar -C /usr/share -cf - --exclude=zoneinfo/right zoneinfo | tar -C "$dest/usr/share" -xf -
fi
cp -a "$root/themes" "$dest/usr/share/p2p-chat/themes"

cat >"$dest/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
chat:x:10001:10001:p2p-chat:/data:/sbin/nologin
EOF
cat >"$dest/etc/group" <<'EOF'
root:x:0:
chat:x:10001:
EOF
cat >"$dest/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
chmod 1777 "$dest/tmp"
echo "rootfs: $dest, $(du -sh "$dest" | cut -f1)"
