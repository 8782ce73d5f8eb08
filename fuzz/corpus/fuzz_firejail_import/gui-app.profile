# a GUI app, whitelist-mode home (written for the fuzz seeds, not from firejail)
ignore noexec ${HOME}
include app.local
?HAS_APPIMAGE: ignore private-dev
?BROWSER_DISABLE_U2F: nou2f
?ALLOW_TRAY: whitelist ${HOME}/.tray
whitelist ${HOME}/.config/app
whitelist-ro ${HOME}/.local/share/app
whitelist ${DOWNLOADS}
whitelist ${RUNUSER}/wayland-0
whitelist /var/lib/app
whitelist /usr/share/app
whitelist /opt/app
nowhitelist ${HOME}/.config/app/cache
read-only ${HOME}/.config/app/policy
read-write ${HOME}/.local/share/app
noexec ${HOME}
noexec /tmp
dbus-user filter
dbus-user.talk org.freedesktop.Notifications
dbus-system none
caps.keep sys_admin,sys_chroot
apparmor
machine-id
hostname app
x11 none
private-opt app
join-or-start app
