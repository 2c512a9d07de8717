#!/bin/sh
# The `nnbuilder` command on PATH (/usr/bin/nnbuilder): runs the bundle in /opt/nnbuilder. The path is
# taken relative to this script so that a package unpacked elsewhere (dpkg -x) runs its own copy.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../opt/nnbuilder/nnbuilder" "$@"
