# Perl DBI + DBD::MariaDB peer for tests/clients/drivers_test.ts: argv = port user password db.
use strict;
use warnings;
use utf8;
use DBI;

binmode(STDOUT, ':encoding(UTF-8)');
my ($port, $user, $password, $db) = @ARGV;
my $dsn = "DBI:MariaDB:database=$db;host=127.0.0.1;port=$port";

sub show {
    my ($rows) = @_;
    for my $row (@$rows) {
        print join('|', map { defined $_ ? $_ : 'NULL' } @$row), "\n";
    }
}

my $dbh = DBI->connect($dsn, $user, $password, { RaiseError => 1, PrintError => 0 });
# Client-side placeholders (the driver's default) first, then a server-side prepared statement.
show($dbh->selectall_arrayref('SELECT id, name, amount FROM t WHERE id >= ? AND id < 100 ORDER BY id', undef, 1));
print "--\n";
my $sth = $dbh->prepare('SELECT id, name, amount FROM t WHERE id >= ? AND id < 100 ORDER BY id',
    { mariadb_server_prepare => 1 });
$sth->execute(2);
show($sth->fetchall_arrayref);
print "--\n";
my $n = $dbh->do('INSERT INTO t (id, name, amount) VALUES (?, ?, ?)', undef,
    102, "pl 'q' \\ ☃", '1.50');
print "inserted $n\n";
show($dbh->selectall_arrayref('SELECT id, name, amount FROM t WHERE id = ?', undef, 102));
$dbh->disconnect;

my $bad = DBI->connect($dsn, $user, $password . 'x', { RaiseError => 0, PrintError => 0 });
print $bad ? "wrong password accepted\n" : "denied $DBI::err\n";
