/*
 * Independent check of the bot's .ics output with libical (not Python's icalendar).
 *
 * Build:  gcc ical_validate.c -o ical_validate $(pkg-config --cflags --libs libical)
 * Usage:  ical_validate FILE.ics [YEAR]
 *
 * Parses FILE with icalparser_parse_string(), runs the iTIP restriction check
 * (icalrestriction_check(), RFC 5546 section 3 tables) and prints, one record per
 * line, tab-separated:
 *
 *   ERROR   <component path>  <X-LIC-ERROR text>     parser or restriction error
 *   PROP    <component path>  <NAME>  <value>        every property
 *   PARAM   <component path>  <NAME>  <param=value>  every parameter
 *   TIME    <NAME>  <local>  <TZID>  <utc offset s>  <is_daylight>  <UTC time>
 *                   DTSTART/DTEND of the VEVENT, resolved with the calendar's own
 *                   VTIMEZONE (libical expands its RRULEs itself); a time written in
 *                   UTC (...Z, RFC 5545 3.3.5 form #2) prints TZID "UTC" and offset 0,
 *                   a floating time (no TZID, no Z) is an ERROR
 *   OFFSET  <local YYYYMMDDTHH0000>  <utc offset s>  with YEAR: every hour of YEAR
 *
 * Exit status: 0 if no ERROR was printed, 1 otherwise, 2 if it cannot parse at all.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int errors = 0;

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    buf[size] = '\0';
    fclose(f);
    return buf;
}

static void walk(icalcomponent *comp, const char *parent)
{
    char path[512];
    const char *kind = icalcomponent_kind_to_string(icalcomponent_isa(comp));
    if (parent[0])
        snprintf(path, sizeof path, "%s/%s", parent, kind);
    else
        snprintf(path, sizeof path, "%s", kind);

    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
        const char *name = icalproperty_get_property_name(p);
        if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY) {
            printf("ERROR\t%s\t%s\n", path, icalproperty_get_xlicerror(p));
            errors++;
            continue;
        }
        const char *value = icalproperty_get_value_as_string(p);
        printf("PROP\t%s\t%s\t%s\n", path, name, value ? value : "");
        for (icalparameter *q = icalproperty_get_first_parameter(p, ICAL_ANY_PARAMETER); q;
             q = icalproperty_get_next_parameter(p, ICAL_ANY_PARAMETER)) {
            printf("PARAM\t%s\t%s\t%s\n", path, name, icalparameter_as_ical_string(q));
        }
    }
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
        walk(c, path);
    }
}

static void print_time(icalcomponent *root, icalproperty *prop, struct icaltimetype t)
{
    const char *name = icalproperty_get_property_name(prop);
    const char *tzid = icalproperty_get_parameter_as_string(prop, "TZID");
    if (!tzid && icaltime_is_utc(t)) {
        char local[64];
        snprintf(local, sizeof local, "%s", icaltime_as_ical_string(t));
        printf("TIME\t%s\t%s\tUTC\t0\t0\t%s\n", name, local, local);
        return;
    }
    if (!tzid) {
        printf("ERROR\tVEVENT\t%s has no TZID parameter\n", name);
        errors++;
        return;
    }
    icaltimezone *zone = icalcomponent_get_timezone(root, tzid);
    if (!zone) {
        printf("ERROR\tVEVENT\tno VTIMEZONE for TZID=%s\n", tzid);
        errors++;
        return;
    }
    char local[64];
    snprintf(local, sizeof local, "%s", icaltime_as_ical_string(t));
    icaltime_set_timezone(&t, zone);
    int is_daylight = 0;
    int offset = icaltimezone_get_utc_offset(zone, &t, &is_daylight);
    struct icaltimetype utc = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    printf("TIME\t%s\t%s\t%s\t%d\t%d\t%s\n", name, local, tzid, offset, is_daylight,
           icaltime_as_ical_string(utc));
}

static void print_year(icalcomponent *root, int year)
{
    icalcomponent *vtz = icalcomponent_get_first_component(root, ICAL_VTIMEZONE_COMPONENT);
    if (!vtz)
        return;
    icalproperty *tzid_prop = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    icaltimezone *zone = icalcomponent_get_timezone(root, icalproperty_get_tzid(tzid_prop));
    if (!zone)
        return;
    for (int month = 1; month <= 12; month++) {
        int days = icaltime_days_in_month(month, year);
        for (int day = 1; day <= days; day++) {
            for (int hour = 0; hour < 24; hour++) {
                struct icaltimetype t = icaltime_null_time();
                t.year = year;
                t.month = month;
                t.day = day;
                t.hour = hour;
                t.is_date = 0;
                int is_daylight = 0;
                int offset = icaltimezone_get_utc_offset(zone, &t, &is_daylight);
                printf("OFFSET\t%04d%02d%02dT%02d0000\t%d\n", year, month, day, hour, offset);
            }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.ics [YEAR]\n", argv[0]);
        return 2;
    }
    icalerror_set_errors_are_fatal(0);
    char *text = read_file(argv[1]);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    icalcomponent *root = icalparser_parse_string(text);
    if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        printf("ERROR\t-\tnot a VCALENDAR\n");
        return 2;
    }
    /* Adds X-LIC-ERROR properties for every violated iTIP restriction. */
    icalrestriction_check(root);
    walk(root, "");

    icalcomponent *event = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
    if (event) {
        icalproperty *p = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
        if (p)
            print_time(root, p, icalproperty_get_dtstart(p));
        p = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY);
        if (p)
            print_time(root, p, icalproperty_get_dtend(p));
    }
    if (argc > 2)
        print_year(root, atoi(argv[2]));

    icalcomponent_free(root);
    free(text);
    return errors ? 1 : 0;
}
