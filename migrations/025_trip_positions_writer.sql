-- Which ingest stored an open trip's latest positions. An ingest holding the trip in memory finds,
-- under the trip's lock, that no other one (a second process, or itself before a restart) stored
-- positions since when the stamp is its own; only otherwise does it read the trip's newest stored
-- position, an index probe and a visit of the heap per trip.
ALTER TABLE trips ADD COLUMN positions_writer uuid;
