-- Which ingest stored an open trip's latest positions. An ingest holding the trip in memory finds,
-- under the trip's lock, whether another one (a second process, or itself restarted) stored positions
-- since: the stamp is not its own. Read in place of the trip's newest stored position, which cost an
-- index scan and heap visit per trip at every flush.
ALTER TABLE trips ADD COLUMN positions_writer uuid;
