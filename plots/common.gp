# Shared settings; every figure script is called as
#   gnuplot -e "data='DIR'; out='FILE'; kind='png|pdf'" plots/NAME.gp
if (!exists("kind")) kind = 'png'
if (kind eq 'pdf') {
	set terminal pdfcairo enhanced font 'Sans,9' size 8in,3.6in
} else {
	set terminal pngcairo enhanced font 'Sans,10' size 1400,640
}
set output out
set datafile missing '?'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xtics nomirror noenhanced
