# The portal's image: Debian 12 and deploy/install.sh, exactly as on a server, so a
# container holds the same release layout and runs the same deploy/bin commands as the
# systemd units. compose.yaml runs it; README "Running in production" explains both.
FROM debian:12-slim

COPY . /usr/src/ictstrategy
# No settings file (the container is given its settings in the environment, so no
# secret is baked into the image), no units and no migrations (compose's `migrate`
# service runs them once). Node.js and npm stay in the image: the install needs them
# to build the stylesheet, and removing them here would be a second, untested install.
RUN /usr/src/ictstrategy/deploy/install.sh --no-systemd --no-env-file \
    && rm -rf /usr/src/ictstrategy /var/lib/apt/lists/* /root/.npm /root/.cache

USER ictstrategy
WORKDIR /opt/ictstrategy/app
ENV DJANGO_SETTINGS_MODULE=ictstrategy.settings.production \
    DJANGO_MEDIA_ROOT=/var/lib/ictstrategy/media \
    GUNICORN_BIND=0.0.0.0:8000
VOLUME /var/lib/ictstrategy/media
EXPOSE 8000
CMD ["/opt/ictstrategy/app/deploy/bin/web"]
