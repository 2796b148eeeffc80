export { OUT_OF_BAND_PROPERTIES, DESTRUCTIVE_PROPERTIES, outOfBandProperties } from "./outOfBand";
