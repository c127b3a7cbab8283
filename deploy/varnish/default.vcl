# Masthead behind Varnish (Debian's `varnish` package, Varnish 7.1). See docs/caching.md,
# "Front cache (Varnish)".
#
#   varnishd -F -a :6081 -f /etc/varnish/default.vcl -s malloc,256m
#
# Varnish caches what the app's page cache caches (anonymous GET/HEAD of public pages)
# for 240 s, and the app purges it after every change when MASTHEAD_VARNISH_URL points
# here. Two purge requests, accepted from the "purgers" ACL only:
#   PURGE /path/   drops that page with every query string (?page=2, ?q=...)
#   BAN /prefix    drops every page whose path starts with the prefix; BAN / drops all pages
#   BAN / with X-Purge-Tags: page-12 section-3 ...
#                  drops every page whose X-Cache-Tags (sent by the app) names one of the
#                  tags (core/invalidation.py); the ban only looks at obj.*, so the ban
#                  lurker clears it in the background
# Pages are kept apart by content encoding (br, gzip, identity: the app compresses them
# once, core/compression.py), whatever the client's Accept-Encoding string looks like.
# Both ignore the Host header, so a site reached under several names (or ports) is purged
# under all of them. Responses carry X-Varnish-Cache: HIT, MISS or PASS.
vcl 4.1;

import std;

# The app (granian: `masthead serve`). Tests and the benchmark substitute host and port.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}
# Several app servers: declare one backend each (app1, app2, ...), give each a probe so a
# dead one is skipped - its request must carry a host name the app accepts (ALLOWED_HOSTS):
#   .probe = { .request = "HEAD /robots.txt HTTP/1.1" "Host: news.example.org"
#              "Connection: close"; .interval = 5s; .window = 5; .threshold = 3; }
# and spread requests over them:
#   import directors;
#   sub vcl_init { new apps = directors.round_robin(); apps.add_backend(app1); ... }
#   at the top of vcl_recv: set req.backend_hint = apps.backend();

# Who may PURGE and BAN: the app servers (editors publish there) and the workers
# (scheduled publishing, finished narrations). Add their addresses, e.g. "10.0.0.0"/24;
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "BAN" && req.http.X-Purge-Tags) {
            if (req.http.X-Purge-Tags !~ "^[a-z0-9_ -]+$") {
                return (synth(400, "Bad tags"));
            }
            # Stored tags are comma-fenced (",page-12,section-3,": vcl_backend_response),
            # so the expression needs no spaces, which a ban's argument cannot hold.
            if (!std.ban("obj.http.X-Cache-Tags ~ ,("
                    + regsuball(regsub(req.http.X-Purge-Tags, "^ +| +$", ""), " +", "|")
                    + "),")) {
                return (synth(400, std.ban_error()));
            }
            return (synth(200, "Banned"));
        }
        set req.http.X-Purge-Path = regsub(req.url, "\?.*$", "");
        if (req.method == "PURGE") {
            # Pages are stored with their path (no query) in X-Path: see vcl_backend_response.
            if (!std.ban("obj.http.X-Path == " + req.http.X-Purge-Path)) {
                return (synth(400, std.ban_error()));
            }
        } else {
            # A prefix: regular-expression metacharacters in the path are escaped.
            set req.http.X-Purge-Path = regsuball(req.http.X-Purge-Path,
                "([][\\.*+?^$(){}|])", "\\\1");
            if (!std.ban("obj.http.X-Path ~ ^" + req.http.X-Purge-Path)) {
                return (synth(400, std.ban_error()));
            }
        }
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Never cached, as in the app (MASTHEAD_PAGE_CACHE_EXCLUDE): the admin, Django's admin,
    # documents (they can be private), the view-counting beacon and the content API.
    if (req.url ~ "^/(admin|django-admin|documents|_audience|api)(/|\?|$)") {
        return (pass);
    }
    # Static files and media: cached as the app's Cache-Control says, cookies ignored.
    if (req.url ~ "^/(static|media)/") {
        unset req.http.Cookie;
        return (hash);
    }
    # Signed-in staff (Django's session cookie): always fresh, with the staff toolbar.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Readers get no cookies; any other cookie (analytics, csrftoken) is not for the app.
    unset req.http.Cookie;

    # One of three encodings, as the app chooses (brotli first): the cache key and the
    # Vary: Accept-Encoding the app sends then see only "br", "gzip" or nothing.
    if (req.http.Accept-Encoding ~ "(^|[ ,])(br|\*)([ ,;]|$)"
        && req.http.Accept-Encoding !~ "(^|[ ,])br *; *q=0(\.0*)?([ ,;]|$)") {
        set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "(^|[ ,])gzip([ ,;]|$)"
        && req.http.Accept-Encoding !~ "(^|[ ,])gzip *; *q=0(\.0*)?([ ,;]|$)") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    set req.http.X-Encoding = req.http.Accept-Encoding;

    # Only ?page= and ?q= change a page (as in the app's page cache,
    # MASTHEAD_PAGE_CACHE_QUERY_PARAMS): drop every other parameter (utm_source, fbclid ...),
    # so the variants share one cached copy. The last value wins, as in Django.
    if (req.url ~ "\?") {
        set req.http.X-Query = regsub(req.url, "^[^?]*\?", "&");
        set req.url = regsub(req.url, "\?.*$", "");
        set req.http.X-Keep = "";
        if (req.http.X-Query ~ "&page=") {
            set req.http.X-Keep = "&page=" + regsub(req.http.X-Query, "^.*&page=([^&]*).*$", "\1");
        }
        if (req.http.X-Query ~ "&q=") {
            set req.http.X-Keep = req.http.X-Keep + "&q="
                + regsub(req.http.X-Query, "^.*&q=([^&]*).*$", "\1");
        }
        if (req.http.X-Keep != "") {
            set req.url = req.url + "?" + regsub(req.http.X-Keep, "^&", "");
        }
        unset req.http.X-Query;
        unset req.http.X-Keep;
    }
    return (hash);
}

sub vcl_hash {
    # http and https are different pages (one may be a redirect to the other), as in the app.
    hash_data(req.http.X-Forwarded-Proto);
    # br, gzip and identity pages are separate objects (set in vcl_recv).
    hash_data(req.http.X-Encoding);
    # Then the built-in hash: the URL and the Host.
}

sub vcl_backend_fetch {
    # Varnish's own gzip support asks the app for gzip on every miss: ask for the encoding
    # this object is stored under instead (a brotli page stays brotli).
    if (bereq.http.X-Encoding) {
        set bereq.http.Accept-Encoding = bereq.http.X-Encoding;
    } else {
        unset bereq.http.Accept-Encoding;
    }
    unset bereq.http.X-Encoding;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);  # a pass
    }
    if (bereq.url ~ "^/(static|media)/") {
        return (deliver);  # the app's Cache-Control decides (whitenoise, media: an hour or more)
    }
    # What PURGE and BAN match on (not sent to readers: see vcl_deliver).
    set beresp.http.X-Path = regsub(bereq.url, "\?.*$", "");
    if (beresp.http.X-Cache-Tags) {
        set beresp.http.X-Cache-Tags = "," + regsuball(
            regsub(beresp.http.X-Cache-Tags, "^ +| +$", ""), " +", ",") + ",";
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Vary == "*") {
        # Per-user or not to be stored: never cached, and requests for it are not queued.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.status == 200) {
        # The app says "max-age=0, must-revalidate" (browsers revalidate each time and get
        # a 304 from Varnish); Varnish keeps the page for as long as the app's page cache
        # (MASTHEAD_PAGE_CACHE_SECONDS) because every change purges it.
        set beresp.ttl = 240s;
        # After that, serve the old copy for up to 30 s while a fresh one is fetched, and
        # keep it 10 min more to revalidate it with the app (If-None-Match: a 304 is cheap).
        set beresp.grace = 30s;
        set beresp.keep = 10m;
    } elsif (beresp.status == 404) {
        set beresp.ttl = 10s;  # absorbs floods of requests for missing pages
        set beresp.grace = 0s;
    } else {
        # Redirects and errors: not cached.
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Varnish-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "HIT";
    } else {
        set resp.http.X-Varnish-Cache = "MISS";
    }
    unset resp.http.X-Path;
    unset resp.http.X-Cache-Tags;
}
