#!/bin/sh
# Add nnbuilder to this user's application menu and open .nnb files with it (no root needed).
# Run it from the unpacked folder: ./install-desktop.sh   (./install-desktop.sh --remove undoes it)
set -e
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
icons="$here/nnbuilder/_internal/resources/icons"
if [ "$1" = "--remove" ]; then
    rm -f "$data/applications/nnbuilder.desktop" "$data/mime/packages/nnbuilder.xml"
    for s in 16 24 32 48 64 128 256 512; do
        rm -f "$data/icons/hicolor/${s}x${s}/apps/nnbuilder.png" \
              "$data/icons/hicolor/${s}x${s}/mimetypes/application-x-nnbuilder-project.png"
    done
else
    mkdir -p "$data/applications" "$data/mime/packages"
    sed "s|@EXEC@|\"$here/nnbuilder/nnbuilder\"|" "$here/nnbuilder.desktop" > "$data/applications/nnbuilder.desktop"
    cp "$here/nnbuilder-mime.xml" "$data/mime/packages/nnbuilder.xml"
    for s in 16 24 32 48 64 128 256 512; do
        mkdir -p "$data/icons/hicolor/${s}x${s}/apps" "$data/icons/hicolor/${s}x${s}/mimetypes"
        cp "$icons/nnbuilder-$s.png" "$data/icons/hicolor/${s}x${s}/apps/nnbuilder.png"
        cp "$icons/nnbuilder-$s.png" "$data/icons/hicolor/${s}x${s}/mimetypes/application-x-nnbuilder-project.png"
    done
fi
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
if [ "$1" = "--remove" ]; then echo "nnbuilder removed from $data"; else echo "nnbuilder added to $data"; fi
