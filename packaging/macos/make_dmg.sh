#!/bin/sh
# Build nnbuilder.app and pack it in a .dmg with a link to /Applications (run on macOS, from the repository).
# Untested on the project's Linux machines; CI runs it on a macOS runner (.github/workflows/installers.yml).
set -eu
version=$(python -c "import sys; sys.path.insert(0, 'packaging'); import common; print(common.version())")
arch=$(uname -m)
python -m PyInstaller --noconfirm --clean --distpath build/macos/dist --workpath build/macos/work packaging/macos/nnbuilder.spec
# Ad-hoc signature so Gatekeeper shows "unidentified developer" instead of "damaged"; a school that
# distributes widely should sign with a Developer ID and notarise (xcrun notarytool) instead.
codesign --force --deep --sign - build/macos/dist/nnbuilder.app
stage=build/macos/dmg
rm -rf "$stage" && mkdir -p "$stage"
cp -R build/macos/dist/nnbuilder.app "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "nnbuilder $version" -srcfolder "$stage" -ov -format UDZO "build/macos/nnbuilder-$version-macos-$arch.dmg"
echo "build/macos/nnbuilder-$version-macos-$arch.dmg"
