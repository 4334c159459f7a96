#!/usr/bin/perl
# Fanout's process launcher. A Node process forks slowly — fork copies its page tables,
# 0.5 ms at 50 MB of heap and 17 ms at 900 MB — and libuv waits for the child's exec on
# the event loop, so bash.exec asks this small resident process to fork for it. Measured
# with `npm run bench -- bash` (rows `sandbox off` and `sandbox off, execa`: 16 callers
# running `true` through bash.exec; 2 cores under a load of 12-20, medians of 3 rounds)
# against execa with prlimit in the argv, the fallback where perl is missing:
#   resident set 190-230 MB: 3.3-9.2 ms a command here, 17.7-31.5 ms through execa;
#                            event-loop delay p99 17-82 ms here, 470-870 ms through execa
#   resident set 270-480 MB: 3.6-5.0 ms a command here, 19.2-26.6 ms through execa;
#                            event-loop delay p99 25-44 ms here, 660-850 ms through execa
# so it stays. Only perl-base modules (Debian's essential perl) are used.
#
# Requests on stdin: "<length>\n" then fields joined by NUL:
#   id, cwd, cgroup procs files joined by newlines (or empty), rlimits ("RESOURCE=VALUE,..." or empty),
#   env count, env entries KEY=VALUE..., argv...
# The one argument is setrlimit(2)'s syscall number on this architecture (0: unknown),
# used between fork and exec as prlimit(1) would, without the extra exec.
# Frames on stdout: 1-byte type, 4-byte id, 4-byte length (big-endian), payload:
#   P pid | O stdout bytes | E stderr bytes | X wait status | F fork failure
# Each command gets its own process group; when it exits, the launcher kills what is
# left of the group, waits for its output pipes to close (2 s at most: a process that
# left the group may hold them), and only then reports X.
use strict;
use warnings;
use POSIX qw(:sys_wait_h setpgid _exit);
use IO::Select;

my $setrlimit = $ARGV[0] || 0;
$SIG{PIPE} = 'IGNORE';
binmode STDIN;
binmode STDOUT;
my $select = IO::Select->new;
my %streams;    # fileno => [job, type, handle]
my %jobs;       # pid => job
my %draining;   # id => job: exited, output still open
my $input = '';
pipe(my $wake_r, my $wake_w) or die "fanout-launcher: pipe: $!";
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };
$select->add(\*STDIN, $wake_r);

sub frame {
  my ($type, $id, $data) = @_;
  my $out = pack('a1 N N', $type, $id, length $data) . $data;
  while (length $out) {
    my $n = syswrite(STDOUT, $out);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; exit 0; }
    substr($out, 0, $n) = '';
  }
}

sub start {
  my ($id, $cwd, $procs, $limits, $env, $argv) = @_;
  pipe(my $out_r, my $out_w) or return frame('F', $id, "pipe: $!");
  pipe(my $err_r, my $err_w) or return frame('F', $id, "pipe: $!");
  my $pid = fork();
  return frame('F', $id, "fork: $!") unless defined $pid;
  if ($pid == 0) {
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
    setpgid(0, 0);
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $out_w);
    open(STDERR, '>&', $err_w);
    for my $file (split /\n/, $procs) {
      my $fh;
      my $ok = open($fh, '>', $file) && print($fh "$$\n") && close($fh);
      if (!$ok) { print STDERR "fanout-launcher: cannot join cgroup $file: $!\n"; _exit(126); }
    }
    for my $limit (split /,/, $limits) {
      my ($resource, $value) = split /=/, $limit;
      next if syscall($setrlimit, $resource + 0, pack('QQ', $value, $value)) == 0;
      print STDERR "fanout-launcher: cannot set rlimit $resource to $value: $!\n";
      _exit(126);
    }
    chdir($cwd) or do { print STDERR "fanout-launcher: cannot enter $cwd: $!\n"; _exit(126) };
    %ENV = %$env;
    { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    print STDERR "fanout-launcher: cannot run $argv->[0]: $!\n";
    _exit(127);
  }
  close $out_w;
  close $err_w;
  my $job = { id => $id, pid => $pid, open => 2 };
  $streams{ fileno $out_r } = [$job, 'O', $out_r];
  $streams{ fileno $err_r } = [$job, 'E', $err_r];
  $select->add($out_r, $err_r);
  $jobs{$pid} = $job;
  frame('P', $id, $pid);
}

sub finish {
  my ($job) = @_;
  return if $job->{open} > 0 || !defined $job->{status};
  delete $draining{ $job->{id} };
  frame('X', $job->{id}, $job->{status});
}

sub close_stream {
  my ($fileno) = @_;
  my $entry = delete $streams{$fileno} or return;
  $select->remove($entry->[2]);
  close $entry->[2];
  $entry->[0]{open}--;
}

sub reap {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) {
    my $job = delete $jobs{$pid} or next;
    $job->{status} = $?;
    kill 'KILL', -$pid;
    $job->{deadline} = time + 2;
    $draining{ $job->{id} } = $job;
    finish($job);
  }
}

sub read_requests {
  my $n = sysread(STDIN, $input, 65536, length $input);
  return if !defined $n && ($!{EINTR} || $!{EAGAIN});
  if (!$n) {
    # Node has gone: nothing may outlive it.
    kill 'KILL', -$_ for keys %jobs;
    exit 0;
  }
  while ($input =~ /\A(\d+)\n/) {
    my $head = length($1) + 1;
    last if length($input) < $head + $1;
    my $body = substr($input, $head, $1);
    substr($input, 0, $head + $1) = '';
    my ($id, $cwd, $procs, $limits, $count, @rest) = split /\0/, $body, -1;
    my %env = map { split /=/, $_, 2 } splice(@rest, 0, $count);
    start($id, $cwd, $procs, $limits, \%env, \@rest);
  }
}

while (1) {
  my @ready = $select->can_read(%draining ? 1 : undef);
  for my $fh (@ready) {
    if ($fh == $wake_r) { sysread($wake_r, my $ignored, 4096); next; }
    if ($fh == \*STDIN) { read_requests(); next; }
    my $entry = $streams{ fileno $fh } or next;
    my $n = sysread($fh, my $data, 65536);
    next if !defined $n && ($!{EINTR} || $!{EAGAIN});
    if ($n) { frame($entry->[1], $entry->[0]{id}, $data); next; }
    my $job = $entry->[0];
    close_stream(fileno $fh);
    finish($job);
  }
  reap();
  for my $job (values %draining) {
    next if time < $job->{deadline};
    for my $fileno (keys %streams) { close_stream($fileno) if $streams{$fileno}[0] == $job; }
    finish($job);
  }
}
