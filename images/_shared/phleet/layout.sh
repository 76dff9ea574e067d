#!/bin/sh
# Release layout shared by the app-server images (run once at image build time):
#   /var/www/releases/<id>/   one folder per release (the demo app is the first one, "demo")
#   /var/www/current          symlink to the served folder of the current release (its docroot), swapped
#                             atomically by the control plane (ln -sfn to a temp name, then mv -T)
#   /var/www/html             link to current: the served document root where Debian's default and the
#                             classic guides put it (files written there land in the current release)
#   /usr/local/share/phleet/  files that do not belong to any release (health probe, variables loader)
set -eu
mkdir -p /var/www/releases /etc/phleet
mv /tmp/demo /var/www/releases/demo
ln -sfn /var/www/releases/demo /var/www/current
rm -rf /var/www/html
ln -s /var/www/current /var/www/html
install -m 0644 /usr/local/share/phleet/app-env.php /etc/phleet/app-env.php
rm /usr/local/share/phleet/app-env.php
for sapi in "$@"; do install -m 0644 /usr/local/share/phleet/phleet-env.ini "/etc/php/8.2/$sapi/conf.d/95-phleet-env.ini"; done
rm /usr/local/share/phleet/phleet-env.ini /usr/local/share/phleet/layout.sh
chown -R root:root /var/www /usr/local/share/phleet; chmod -R a+rX /var/www /usr/local/share/phleet
