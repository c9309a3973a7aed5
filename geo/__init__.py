"""Areas (districts and the municipality outline), spatial helpers and folium maps."""
