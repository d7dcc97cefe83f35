#!/usr/bin/perl
# Counts the bytes of the request body.
binmode STDIN;
my $n = 0;
while (my $r = sysread(STDIN, my $buf, 65536)) { $n += $r; }
print "Content-Type: text/plain\n\n$n\n";
