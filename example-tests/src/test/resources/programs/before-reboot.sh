# System 2's process before the reboot (TETware: started by tet_remexec). $1 is mh-sync.
# It ignores SIGHUP, as its SSH session may end first.
trap '' HUP
"$1" sync started --participants controller --timeout 60s || exit 1
"$1" sync reboot-now --participants controller --timeout 60s || exit 1
reboot
