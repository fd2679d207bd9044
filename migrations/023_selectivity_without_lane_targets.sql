-- The shares of RED and YELLOW lanes given by risk score are the risk engine's (risk_settings). The
-- administration's selectivity settings also carried target shares, which nothing read: an
-- administrator could change them and see no effect. They are removed from the stored settings;
-- the registry history keeps the versions that had them.
UPDATE administration SET selectivity = selectivity - 'targetRedShare' - 'targetYellowShare'
WHERE selectivity ? 'targetRedShare' OR selectivity ? 'targetYellowShare';
