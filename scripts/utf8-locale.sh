# File names are bytes; the JVM turns them into text with the locale's charset, and under LC_ALL=C (or no locale,
# as in many containers) a non-ASCII path cannot be opened at all. A UTF-8 locale unless the user has one.
# Sourced by ./vclip (and tested by LauncherLocaleTest).
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
