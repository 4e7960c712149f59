# The VMM's console on a terminal, inside the modelled host. Sourced by the
# kvm and duvisor host plans, which define t (a check line), show, has, $VMM,
# $G and $LIMIT; console_checks runs the VMM on a pseudo-terminal made by
# busybox 'script', with a feeder that types like a user (vmm/console.h):
#   1. a Linux guest in the foreground: the terminal goes raw, Ctrl-C
#      interrupts the guest's program (not the VMM), Ctrl-] x leaves with
#      status 0, the terminal's modes come back;
#   2. job control: a VMM started with '&' finishes although the terminal has
#      'tostop' (no SIGTTOU); a Linux guest's VMM boots in the background
#      without taking the shell's input or touching the terminal's modes;
#      brought back with 'fg', it takes the terminal and Ctrl-] x leaves.
# The guests idle at their shell while the feeder waits: cheap under icount.

# wait_for LOG TEXT SECONDS: until TEXT is in LOG; not once the session
# writing LOG has ended (LOG.end)
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt "$3" ] || [ -e "$1.end" ] && return 1
		sleep 1
	done
}

# session LOG SCRIPT FEEDER: sh SCRIPT on a pseudo-terminal, FEEDER typing
session() {
	rm -f "$1" "$1.end"
	"$3" | {
		$LIMIT script -q -c "sh $2" "$1" >/dev/null 2>"$1.err"
		touch "$1.end"
	}
	sed 's/^/script| /' "$1.err"
	tr -d '\r' <"$1" >"$1.txt"
	show "$1.txt"
}

feed_fg() {
	wait_for $log "DVGUEST: shell up" 200 || return
	sleep 2
	printf 'sleep 100\r'
	sleep 2
	printf '\003'
	sleep 1
	printf 'echo "rc-$?-done"\r'
	wait_for $log "^rc-[0-9]*-done" 30 || return
	printf '\035x'
	wait_for $log "vmm-status=" 30
}

console_fg() {
	log=/tmp/con-fg.log
	rm -f /tmp/con-fg.before /tmp/con-fg.during /tmp/con-fg.after
	# A background stty reads the modes the VMM set while it runs (reading
	# them does not stop a background job).
	cat >/tmp/con-fg.sh <<EOF
stty -g >/tmp/con-fg.before
(sleep 3; stty -a </dev/tty >/tmp/con-fg.during 2>&1) &
$VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M --append "console=ttyS0 quiet dvtest.shell"
echo "vmm-status=\$?"
stty -g >/tmp/con-fg.after
EOF
	session $log /tmp/con-fg.sh feed_fg
	sed 's/^/during| /' /tmp/con-fg.during 2>/dev/null
	has $log.txt "console on this terminal: Ctrl-] x leaves" &&
		grep -q -- "-isig" /tmp/con-fg.during && grep -q -- "-icanon" /tmp/con-fg.during &&
		grep -q -- "-ixon" /tmp/con-fg.during
	t $? "console on a terminal: the VMM in the foreground puts it in raw mode (-isig -icanon -ixon) and says how to leave"
	has $log.txt "^rc-130-done"
	t $? "console on a terminal: Ctrl-C interrupts the guest's program ($(grep -o '^rc-[0-9]*' $log.txt), 130 wanted), not the VMM"
	has $log.txt "^vmm-status=0" && has $log.txt "left from the console" && ! has $log.txt "stopped by signal"
	t $? "console on a terminal: Ctrl-] x leaves with status 0 ($(grep -o 'vmm-status=[0-9]*' $log.txt))"
	[ -s /tmp/con-fg.before ] && cmp -s /tmp/con-fg.before /tmp/con-fg.after
	t $? "console on a terminal: the terminal's modes are restored when the VMM leaves"
}

feed_bg() {
	wait_for $log "DVGUEST: shell up" 200 || return
	sleep 2
	printf 'typed-%s\r' "for-the-shell"
	wait_for $log "^shell-read=" 10 || return
	wait_for $log "console on this terminal" 10 || return
	sleep 1
	printf 'echo "fg-$((3*4))-guest"\r'
	wait_for $log "^fg-12-guest" 30 || return
	printf '\035x'
	wait_for $log "fg-status=" 30
}

console_bg() {
	log=/tmp/con-bg.log
	rm -f /tmp/con-bg.before /tmp/con-bg.after /tmp/con-bg.mid
	cat >/tmp/con-bg.sh <<EOF
set -m
stty tostop
stty -g >/tmp/con-bg.before
$VMM --kernel $G/selftest.elf --append "exit=7" &
wait \$!
echo "bg-selftest-status=\$?"
kill -KILL \$! 2>/dev/null
$VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M --append "console=ttyS0 quiet dvtest.shell" &
read -r line
echo "shell-read=\$line"
stty -g >/tmp/con-bg.mid
fg
echo "fg-status=\$?"
stty -g >/tmp/con-bg.after
EOF
	session $log /tmp/con-bg.sh feed_bg
	has $log.txt "^bg-selftest-status=7$"
	t $? "background VMM ('&', terminal with tostop): runs to the end and writes to the terminal, not stopped ($(grep -o 'bg-selftest-status=[0-9]*' $log.txt))"
	has $log.txt "DVGUEST: shell up" && has $log.txt "^shell-read=typed-for-the-shell" &&
		[ -s /tmp/con-bg.before ] && cmp -s /tmp/con-bg.before /tmp/con-bg.mid
	t $? "background VMM: a Linux guest boots, the shell's input stays the shell's, the terminal's modes untouched"
	has $log.txt "^fg-12-guest"
	t $? "background VMM brought back with fg: takes the terminal, the guest's shell answers"
	has $log.txt "^fg-status=0" && has $log.txt "left from the console" && cmp -s /tmp/con-bg.before /tmp/con-bg.after
	t $? "background VMM brought back with fg: Ctrl-] x leaves with status 0, the terminal's modes restored"
}

console_checks() {
	if ! command -v script >/dev/null; then
		t 1 "console checks: busybox has no 'script' (a pseudo-terminal)"
		return
	fi
	# Pseudo-terminals need devpts, which the host's init does not mount.
	grep -q ' /dev/pts devpts ' /proc/mounts || mount -t devpts devpts /dev/pts
	console_fg
	console_bg
}
