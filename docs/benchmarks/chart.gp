# Written by `bench report`; run with: gnuplot chart.gp (in this directory).
set terminal pngcairo size 1400,640 font "sans,11"
set output "chart.png"
set title "Portless vs ssh -L vs direct TCP on loopback"
set ylabel "speed relative to ssh -L (higher is better, log scale)"
set logscale y
set grid ytics
set datafile missing "-"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -25 left noenhanced
set key top right
set yrange [0.01:*]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#555555"
plot "chart.dat" using 2:3:4:xtic(1) title "direct" lc rgb "#9e9e9e", \
     "" using 5:6:7 title "ssh -L" lc rgb "#4a78b5", \
     "" using 8:9:10 title "Portless" lc rgb "#e07b39"
