#!/usr/bin/env bats
# device dri | snd | video (issue 12) with real device nodes: the development host has no GPU,
# sound card or camera, so the guest loads Debian's software drivers, which make real nodes
# without hardware: vgem (a DRM card and render node), snd-dummy (an ALSA card), vivid (V4L2
# cameras). The nodes are opened from inside (0666 in the guest's devtmpfs, so the test user may).

load ../lib/common

setup_file() {
	modprobe_vm vgem
	modprobe_vm snd-dummy
	modprobe_vm vivid n_devs=1 || true  # a large driver; the video part is checked only where it loads
	chmod 0666 /dev/dri/* /dev/snd/* /dev/video* /dev/media* 2>/dev/null || true
}

@test "vm: device dri binds /dev/dri and the GPU's sysfs directory read-only; the node opens inside" {
	ls -l /dev/dri
	card=$(ls /dev/dri | grep -m1 '^card')
	[ -n "$card" ]
	sys=$(readlink -f "/sys/dev/char/$(stat -c '%t:%T' "/dev/dri/$card" | { IFS=: read -r a b; echo "$((16#$a)):$((16#$b))"; })/device")
	echo "sysfs: $sys"
	for who in user root; do
		run sbx_as "$who" -q --device dri -- sh -c 'ls /dev/dri | tr "\n" " "; echo; exec 3<>/dev/dri/'"$card"' && echo opened; ls '"$sys"' >/dev/null && echo sysfs; ls /sys; touch '"$sys"'/x 2>&1 || true'
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ $output == *"$card"* ]]
		[[ ${lines[1]} == opened ]]
		[[ ${lines[2]} == sysfs ]]
		[[ ${lines[3]} == dev* ]]  # /sys holds only dev/ and devices/
		[[ $output == *"Read-only file system"* || $output == *"Permission denied"* ]]
	done
	run sbx_as user --device dri --explain --json -- true
	[[ $output == *'"name":"dri"'*'"granted":true'*'"/dev/dri"'* ]]
	# Without the grant: no node.
	run sbx_as user -q -- ls /dev/dri
	[ "$status" -ne 0 ]
}

@test "vm: device snd binds /dev/snd; the control node opens inside" {
	ls -l /dev/snd
	run sbx_as user -q --device snd -- sh -c 'ls /dev/snd | tr "\n" " "; echo; exec 3<>/dev/snd/controlC0 && echo opened'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *controlC0* ]]
	[ "${lines[1]}" = opened ]
	run sbx_as user -q -- ls /dev/snd
	[ "$status" -ne 0 ]
}

@test "vm: device video binds the camera nodes (vivid), where the driver loads" {
	if ! ls /dev/video* >/dev/null 2>&1; then
		skip "vivid did not load in this guest: only the refusal (host suite) is proven for video"
	fi
	node=$(ls /dev/video* | head -1)
	run sbx_as user -q --device video -- sh -c "exec 3<>$node && echo opened"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = opened ]
}
