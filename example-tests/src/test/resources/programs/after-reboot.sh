# System 2's new process after the reboot: reports the boot it runs on at syncpoint "result".
"$1" sync result --participants controller --timeout 60s \
    --message "after the reboot on $(cat /proc/sys/kernel/random/boot_id)"
